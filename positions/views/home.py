from django.shortcuts import render

from config.lib.access import public_read
from positions.selectors import home_overview


@public_read
def home(request):
    return render(request, "positions/home.html", home_overview())
