"""The security headers of every web page, error pages included (a 500 is answered outside
the web middleware, so its handler adds them itself)."""

# Pages: scripts only from our static files (no inline script, no eval: so no hx-on), never
# inside another site's frame (a one-click button must not be clicked through a disguise).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
