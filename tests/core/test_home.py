"""The home page describes what egov offers today, with a working link for each part."""

import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "soon"), [("vi", "Sắp ra mắt"), ("en", "Coming soon")], ids=["vi", "en"]
)
def test_every_card_links_to_a_built_part(client, accept, soon):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert soon not in html
    cards = re.findall(r'<li class="card">(.*?)</li>', html, re.S)
    assert len(cards) == 5
    for card in cards:
        # Every card leads somewhere: a button link to a page that answers.
        hrefs = re.findall(r'<a class="button" href="([^"]+)"', card)
        assert hrefs, card
    for href in {reverse("feedback:new"), reverse("feedback:list"), reverse("stats:public")}:
        assert f'href="{href}"' in html
        assert client.get(href).status_code == 200
