"""Chart builders and their palette (Altair, no Streamlit): a frame in, a finished chart out."""
