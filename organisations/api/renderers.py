"""The browsable API under the Content-Security-Policy (docs/security.md, "Headers")."""

from csp.constants import UNSAFE_HASHES
from rest_framework import renderers

# DRF's base.html places its "Extra Actions" menu and "Filters" button with the attribute
# ``style="float: right; margin-right: 10px"``. The policy refuses style attributes; on the
# browsable API's pages only, this exact one is allowed by its SHA-256 (CSP's 'unsafe-hashes'
# admits the listed hashes, nothing else).
DRF_STYLE_ATTRIBUTE_HASHES = ["'sha256-OfgyIBrd+/vP79JdFMYP+re4T+fIenvkrHPD2HZ8/cs='"]


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, with the policy widened for its own two style attributes."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = {"style-src-attr": [UNSAFE_HASHES, *DRF_STYLE_ATTRIBUTE_HASHES]}
        return super().render(data, accepted_media_type, renderer_context)
