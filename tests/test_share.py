"""A sticking point's share image: 1200x630, named in its Open Graph and Twitter tags,
drawn once per content version."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from explainer.models import StickingPoint

pytestmark = pytest.mark.django_db


def image(client, slug="streaming-residuals"):
    return client.get(reverse("share_image", args=[slug]))


def test_is_a_1200_by_630_png(client, seeded):
    response = image(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


def test_the_page_names_it_in_open_graph_and_twitter_tags(client, seeded):
    html = client.get("/points/streaming-residuals/").content.decode()
    url = "http://testserver/points/streaming-residuals/share.png"
    assert f'<meta property="og:image" content="{url}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert f'<meta name="twitter:image" content="{url}">' in html


def test_is_drawn_once_per_content_version(client, seeded, django_assert_num_queries):
    first = image(client)
    with django_assert_num_queries(0):
        again = image(client)
    assert again.content == first.content
    assert image(client, "free-work").content != first.content
    point = StickingPoint.objects.get(slug="streaming-residuals")
    point.standing = StickingPoint.Standing.AGREED
    point.save()
    redrawn = image(client)
    assert redrawn.content != first.content
    assert redrawn["ETag"] != first["ETag"]


def test_drafts_and_unknown_points_have_none(client, seeded):
    StickingPoint.objects.filter(slug="free-work").update(publication="draft")
    assert image(client, "free-work").status_code == 404
    assert image(client, "no-such-point").status_code == 404
