"""URLs of the project managers' pages, under /credit/managers/ in the ``credit`` namespace."""

from django.urls import path

from . import manager_views as views

urlpatterns = [
    path("", views.manager_list, name="managers"),
    path("<int:pk>/", views.manager_detail, name="manager"),
    path("mine/", views.managers_mine, name="managers_mine"),
    path("register/", views.manager_register, name="manager_register"),
    path("<int:pk>/assign/", views.manager_assign, name="manager_assign"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="manager_assignment_end"),
]
