"""A local OpenID Connect provider standing in for ProConnect in development and tests.

Mounted only with ``OIDC_DEV_PROVIDER`` (on by default with DEBUG and under pytest), never
in production. It is django-oauth-toolkit's OpenID Connect provider with a login of its own:
the person types their e-mail and password at the provider, whose session is not the
site's, so the site only learns who logged in through the authorization code flow.
"""
