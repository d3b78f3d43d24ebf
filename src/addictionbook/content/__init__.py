"""The book's sources as data: table of contents, front matter, which pages are notebooks or
handouts (``book``, ``page``, ``sources``), the content linter (``lint``) and the chapter scaffold
(``scaffold``)."""
