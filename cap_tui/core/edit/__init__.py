"""Editing a plan: every change is an operation (ops), applied to the file's text in place (apply,
segments), addressed by node id (index), with new ids in the plan's own style (ids).

The Document that holds the text, the undo stack and saving is `cap_tui.core.document`.
"""
