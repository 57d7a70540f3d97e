import datetime

from django.shortcuts import render

from positions.selectors import home_overview


def home(request):
    return render(
        request,
        "positions/home.html",
        home_overview(today=datetime.date.today()),
    )
