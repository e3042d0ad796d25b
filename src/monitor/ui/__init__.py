"""The Streamlit layer: the only code that imports Streamlit. `data` is the pages' one door
to protected data (cached per database version, scoped to the signed-in user); the rest are
the pieces pages draw with (filters, components, figures, the glance, the measures' sections,
the upload, the cache warmer, sign-in)."""
