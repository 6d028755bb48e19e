"""The terminal editor: a thin layer of screens and widgets over cap's core."""
