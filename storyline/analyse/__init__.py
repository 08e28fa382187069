"""The analyse stage: sentences, entity mentions, quotes and time expressions of one article.

Each submodule is a plain function over text (plus a spaCy ``Doc`` where a
parse is needed); ``nlp`` loads the packaged models once per process.
"""
