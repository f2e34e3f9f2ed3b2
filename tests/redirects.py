"""`next` values a browser would follow to another site: each redirect-after-post test proves they fall
back to the page's own default (custos.core.web.redirect_back)."""

OFF_SITE = [
    "//evil.example/",  # protocol-relative
    "/\\evil.example/",  # browsers read a backslash as a slash
    "\\\\evil.example/",
    "/\t/evil.example/",  # browsers drop tabs and newlines from URLs
    "https://evil.example/",
    "javascript:alert(1)",
]
