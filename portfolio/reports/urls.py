from django.urls import path

from portfolio.reports import score_views, settings_views, views

urlpatterns = [
    path("", views.abc, name="analysis"),
    path("scores/", score_views.scores, name="analysis_scores"),
    path("scores/models/", score_views.scoring_model_save, name="scoring_model_save"),
    path(
        "scores/models/<int:pk>/delete/",
        score_views.scoring_model_delete,
        name="scoring_model_delete",
    ),
    path("scores/chosen/", settings_views.scoring_model_choose, name="scoring_model_choose"),
    path("abc-limits/", settings_views.abc_limits_save, name="abc_limits_save"),
    path("types/", views.types, name="analysis_types"),
    path("reps/", views.reps, name="analysis_reps"),
    path("segments/", views.segments, name="analysis_segments"),
    path("export/", views.export, name="analysis_export"),
]
