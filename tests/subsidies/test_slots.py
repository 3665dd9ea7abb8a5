import pytest
from django.urls import reverse

from subsidies import slots
from tests.factories import jst, make_subsidy


def test_an_unknown_slot_is_refused():
    with pytest.raises(ValueError, match="unknown slot"):
        slots.register("sidebar", "x.html")


@pytest.mark.django_db
def test_pages_render_every_registered_fragment_and_work_without_any(client, monkeypatch):
    listing = make_subsidy(deadline=jst(2099, 1, 1))
    registered = {name: slots.templates(name) for name in slots.SLOTS}
    assert registered["listing"] and registered["detail"]  # the alerts app's forms
    assert "alert-subscribe" in client.get(reverse("subsidies:list")).content.decode()
    monkeypatch.setattr(slots, "_templates", {name: [] for name in slots.SLOTS})
    from tests.factories import forget_cached_pages

    forget_cached_pages()
    for url in (reverse("subsidies:list"), listing.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert "alert-subscribe" not in response.content.decode()
