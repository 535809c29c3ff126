from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """The claims ProConnect gives (e-mail, given_name, usual_name, uid), in the ID token and
    at the userinfo endpoint. ``amr`` says a password alone was checked: the site then asks
    its own second factor where the role needs one."""

    oidc_claim_scope = None  # every claim, whatever the scopes asked

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": True,
            "given_name": user.first_name,
            "usual_name": user.last_name,
            "uid": str(user.pk),
            "amr": ["pwd"],
        }
