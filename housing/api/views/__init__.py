"""API of short-term housing: declarations that restrict (through the base class or the
selectors), validate with a serializer and hand the result to ``housing.services``.

Who reaches what (``housing.apps`` registers the rules): provider staff manage their own sites
and beds; hubs with a housing partnership with the provider see its availability and hold its
beds; holds and stays, which name people, are seen by the placing organisation and the hosting
provider only; city liaisons get occupancy figures from the reports (`reports.api`, suppressed
there) and nothing here. Anything outside the
restriction is a 404.

A bed that was just taken is a 409 carrying the taken bed ids and the site's current
availability version, so that a board can resynchronise before the user tries again.

One module per group of endpoints: ``sites`` (sites and their beds), ``holds_and_stays`` and
``unmet_requests``; ``common`` holds what they share (the OpenAPI parameters and answers, the
restricted list-and-detail base, the reads that name occupants).
"""
