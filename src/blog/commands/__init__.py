"""One module per ``blog`` command; ``blog.cli`` puts them together."""
