"""Exports as bytes (no Streamlit): chart images, 通报-style tables, the briefing-pack PDF and
its chart workers."""
