from django.urls import path

from reef.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="assessment_list"),
    path("request/", views.assessment_request, name="assessment_request"),
    path("<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<int:pk>/step/<slug:step>/", views.assessment_step, name="assessment_step"),
    path("<int:pk>/team/", views.assessment_team, name="assessment_team"),
    path("<int:pk>/sessions/", views.session_add, name="session_add"),
    path("<int:pk>/summary/", views.summary_save, name="summary_save"),
    path("<int:pk>/reassess/", views.assessment_reassess, name="assessment_reassess"),
    path("<int:pk>/rate/", views.rating_form, name="rating_form"),
    path("<int:pk>/rate/save/", views.rating_save_group, name="rating_save_group"),
    path("<int:pk>/sheet/", views.rating_sheet, name="rating_sheet"),
    path("<int:pk>/rate/<int:indicator_id>/", views.rating_save, name="rating_save"),
    path("<int:pk>/evidence/<int:rating_id>/", views.evidence_download, name="evidence_download"),
    path("<int:pk>/consolidation/", views.consolidation, name="consolidation"),
    path("<int:pk>/decide/<int:indicator_id>/", views.decision_save, name="decision_save"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/targets/", views.targets_save, name="targets_save"),
    path("<int:pk>/report/", views.report_page, name="report"),
    path("<int:pk>/report.pdf", views.report_download, {"fmt": "pdf"}, name="report_pdf"),
    path("<int:pk>/report.docx", views.report_download, {"fmt": "docx"}, name="report_docx"),
    path("<int:pk>/report/<str:fmt>/status/", views.report_status, name="report_status"),
    path("<int:pk>/report/<str:fmt>/prepare/", views.report_prepare, name="report_prepare"),
    path("<int:pk>/trends/", views.trends, name="trends"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/gaps/<str:aspect>/need/", views.gap_to_need, name="gap_to_need"),
]
