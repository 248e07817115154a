# The image run by docker-compose.yml for the web, worker and beat processes.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint draws PDFs with Pango; the fonts cover French text.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The locked versions, each checked against its hash (`make lock` writes the lock):
# a layer rebuilt only when the lock changes. Then the project, resolving nothing.
COPY requirements/main.txt requirements/main.txt
RUN pip install --require-hashes -r requirements/main.txt
COPY pyproject.toml README.md LICENSE ./
COPY signalconso signalconso
COPY accounts accounts
COPY companies companies
COPY reports reports
COPY notifications notifications
COPY inspections inspections
RUN pip install --no-deps .
COPY . .

# Collected once at build time, with hashed names; nothing here is secret.
ENV STATIC_MANIFEST=true STATIC_ROOT=/app/staticfiles VAR_DIR=/app/var
RUN SECRET_KEY=build-only python manage.py collectstatic --no-input --verbosity 0

RUN useradd --system --uid 10001 --home-dir /app signalconso \
    && mkdir -p /app/var && chown signalconso /app/var
USER signalconso

EXPOSE 8000
CMD ["gunicorn", "signalconso.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
