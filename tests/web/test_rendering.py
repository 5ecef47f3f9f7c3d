"""Templates: escaped by default, direction and language per request, vendor assets served by the hub."""

from marsad.web.rendering import make_environment


def _render(source: str, **context) -> str:
    return make_environment().from_string(source).render(**context)


def test_autoescape_and_translation_per_render():
    assert _render("{{ x }}", x="<script>") == "&lt;script&gt;"
    assert _render("{{ _('Sign in') }}", lang="ar") == "تسجيل الدخول"
    assert _render("{{ _('Sign in') }}", lang="fr") == "Se connecter"
    assert _render("{% trans %}Sign in{% endtrans %}", lang="ar") == "تسجيل الدخول"


def test_filters_follow_the_page_language():
    assert _render("{{ 1234|number }}", lang="ar") == "١٬٢٣٤"
    assert _render("{{ 'JO'|country }}", lang="en") == "Jordan"
    assert _render("{{ d|date }}", lang="ar", d="2024-03-15").endswith("هـ)")
    assert _render("{{ 'Armed Assault'|vocab('attack_types') }}", lang="fr") != ""


def test_page_language_direction_and_cookie(make_client):
    client = make_client()
    arabic = client.get("/sign-in")
    assert '<html lang="ar" dir="rtl">' in arabic.text
    english = client.get("/sign-in?lang=en")
    assert '<html lang="en" dir="ltr">' in english.text and "marsad_lang=en" in english.headers["set-cookie"]
    assert '<html lang="en" dir="ltr">' in client.get("/sign-in").text  # the cookie sticks
    fresh = make_client()
    assert 'lang="fr"' in fresh.get("/sign-in", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).text


def test_vendor_leaflet_and_own_static_files(make_client):
    client = make_client()
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/static/vendor/leaflet/leaflet.css").status_code == 200
    assert client.get("/static/css/marsad.css").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
