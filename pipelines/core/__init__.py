"""The bottom layer every other part of `pipelines` builds on.

Settings errors, secret redaction, the warehouse choice, the retry policy, timestamps and
the exit codes. Nothing here imports another part of `pipelines`.
"""
