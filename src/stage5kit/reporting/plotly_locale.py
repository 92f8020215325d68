"""The texts of plotly.js's toolbar and notices in the report's language.

plotly.js ships no Polish texts (its ``pl`` locale has month names only), and the report's
HTML is offline, so the texts a report's chart shows are translated through the kit's
catalog and registered once in the page as a plotly.js locale module.
"""

from __future__ import annotations

from stage5kit.reporting.i18n import DEFAULT_LANG, translate

# The English texts plotly.js shows on a report's 2D charts (toolbar buttons and notices),
# exactly as plotly.js writes them.
PLOTLY_TEXTS = (
    "Download plot as a PNG",
    "Zoom",
    "Pan",
    "Box Select",
    "Lasso Select",
    "Zoom in",
    "Zoom out",
    "Autoscale",
    "Reset axes",
    "Share chart...",
    "Produced with Plotly.js",
    "Double-click to zoom back out",
    "Double-click on legend to isolate one trace",
    "Preparing image - this may take a few seconds",
    "Image download succeeded",
    "Sorry, there was a problem downloading your image!",
)


def plotly_locale(lang: str) -> dict[str, object] | None:
    """The plotly.js locale module of ``lang`` (for ``Plotly.register``); None for English."""
    if lang == DEFAULT_LANG:
        return None
    dictionary = {text: translate(lang, text) for text in PLOTLY_TEXTS}
    return {"moduleType": "locale", "name": lang, "dictionary": dictionary}
