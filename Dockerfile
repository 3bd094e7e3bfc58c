# The web and worker image for a team deployment (see README, "Deployment").
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STATIC_ROOT=/app/staticfiles \
    STATIC_COLLECTED=true

# pango for WeasyPrint (the meeting pack's PDF), fonts with Latin and Chinese letters.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 fonts-dejavu-core fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY icp_site ./icp_site
COPY portfolio ./portfolio
COPY profiles ./profiles
RUN pip install --no-cache-dir ".[deploy]"
COPY . .
# collectstatic needs settings but no database connection.
RUN SECRET_KEY=build DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --no-input

# /files: the shared volume of snapshots and exports (a new volume takes this owner).
RUN useradd --system --uid 1000 icp && mkdir -p /files && chown -R icp /app /files
USER icp
EXPOSE 8000
CMD ["gunicorn", "icp_site.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
