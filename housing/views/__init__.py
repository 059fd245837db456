"""Pages of short-term housing: the live board, a site's page with the hold form, and the
provider's page where staff keep their beds true and confirm arrivals and departures.

Views read through selectors and write through services. A site, hold, stay or bed the user may
not see is a 404. Every page draws its beds from ``site_availability``, the payload of the
``housing.availability`` stream, so the first drawing and every live update show the same thing.

One module per person and what they do:

- ``board``: hub staff look for a bed (the board, opened "for" someone) or record that none fitted;
- ``holds``: hub staff hold beds on a site's page, then move the arrival or let the beds go;
- ``moves``: the placing hub or the hosting provider moves a hold's or a stay's people;
- ``provider``: provider staff keep their beds true and confirm arrivals and departures;
- ``site_texts``: provider staff write what their site says, in each content language;
- ``drawing``: what every page draws of a site (its rooms and beds, its holds and stays);
- ``navigation``: the links to these pages.
"""
