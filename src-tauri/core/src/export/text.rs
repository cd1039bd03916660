//! Text helpers shared by the renderers.
