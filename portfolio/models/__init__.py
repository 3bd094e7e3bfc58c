"""The portfolio app's data: datasets of customers (and order rows), uploads on their way to a
dataset, saved scoring models and the analysis settings. Django loads the models from here;
the modules import only icp_site's models and each other."""

from portfolio.models.datasets import (
    BULK_FOREIGN_KEY,
    BULK_TEXT,
    Customer,
    CustomerQuerySet,
    Dataset,
    DatasetKind,
    DatasetStatus,
    OrderRow,
)
from portfolio.models.scoring import AnalysisSettings, ScoringModel
from portfolio.models.uploads import (
    ImportPhase,
    ImportState,
    ImportUpload,
    ImportUploadPart,
    ImportUploadQuerySet,
    PartKind,
    upload_path,
    upload_storage,
)

__all__ = [
    "AnalysisSettings",
    "BULK_FOREIGN_KEY",
    "BULK_TEXT",
    "Customer",
    "CustomerQuerySet",
    "Dataset",
    "DatasetKind",
    "DatasetStatus",
    "ImportPhase",
    "ImportState",
    "ImportUpload",
    "ImportUploadPart",
    "ImportUploadQuerySet",
    "OrderRow",
    "PartKind",
    "ScoringModel",
    "upload_path",
    "upload_storage",
]
