"""The shared page kit: cached warehouse reads, the sidebar filters, widgets and safe text."""
