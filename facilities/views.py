from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("")


catalogue = booking_list = booking_cancel = booking_ics = space_detail = booking_create = space_ics = _todo
