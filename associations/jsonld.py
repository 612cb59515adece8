"""schema.org JSON-LD for associations (Organization) and their events (Event).

Rendered with ``{{ data|jsonld }}``: the JSON is escaped as Django's ``json_script`` does
(``<``, ``>`` and ``&`` become ``\\u003C`` …), so a ``</script>`` in a description cannot end
the element.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes, format_html
from django.utils.safestring import mark_safe


def render_jsonld(data) -> str:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_json_script_escapes)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def organization_jsonld(association, *, base_url) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": association.name,
        "url": f"{base_url}{association.get_absolute_url()}",
    }
    if association.description:
        data["description"] = association.description
    if association.website:
        data["sameAs"] = [association.website]
    if association.email:
        data["email"] = association.email
    if association.phone:
        data["telephone"] = association.phone
    if association.logo:
        data["logo"] = f"{base_url}{association.logo_url}"
    if association.founded_year:
        data["foundingDate"] = str(association.founded_year)
    identifiers = []
    if association.business_id:
        identifiers.append({"@type": "PropertyValue", "propertyID": "FI:Y-tunnus", "value": association.business_id})
    if association.register_number:
        identifiers.append(
            {"@type": "PropertyValue", "propertyID": "FI:yhdistysrekisteri", "value": association.register_number}
        )
    if identifiers:
        data["identifier"] = identifiers
    areas = [area.name for area in association.service_areas.all()]
    if areas:
        data["areaServed"] = areas
    return data


def event_jsonld(event, *, base_url) -> dict:
    association = event.association
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": f"{base_url}{event.get_absolute_url()}",
        "startDate": event.starts.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "organizer": {
            "@type": "Organization",
            "name": association.name,
            "url": f"{base_url}{association.get_absolute_url()}",
        },
    }
    ends = event.ends
    if event.is_all_day:
        if event.end_date:
            data["endDate"] = event.end_date.isoformat()
    elif ends is not None:
        data["endDate"] = ends.isoformat()
    if event.description:
        data["description"] = event.description
    if event.place and event.online_url:
        data["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
    elif event.online_url:
        data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
    else:
        data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
    locations = []
    if event.place or event.address:
        place = {"@type": "Place", "name": event.place or event.address}
        if event.address:
            place["address"] = event.address
        locations.append(place)
    if event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    if event.poster:
        data["image"] = f"{base_url}{event.poster_url}"
    return data
