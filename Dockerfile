# The production image: gunicorn for the web, the same image for the Celery worker and beat.
# Configuration comes only from the environment (see README.md, "Configuration").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: compilemessages. Pango and HarfBuzz: WeasyPrint's PDF reports. Fonts for the PDFs.
# postgresql-client (15 on bookworm, as the server): the backup service's pg_dump and restores.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gettext \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        shared-mime-info \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system portal && useradd --system --gid portal --home-dir /app --no-create-home portal

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=portal:portal . .

# Static files with the production storage (hashed names, compressed), and the translations.
# The build needs a settings module that loads: a throwaway key and host, nothing kept.
RUN DJANGO_ENV=production \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    ALLOWED_HOSTS=build.invalid \
    SITE_URL=https://build.invalid \
    EMAIL_URL=smtp://build.invalid:25 \
    TRUSTED_PROXY_IPS=127.0.0.1 \
    python manage.py collectstatic --no-input -v 0 \
    && python manage.py compilemessages -v 0 \
    && mkdir -p var/media /backups \
    && chown -R portal:portal var locale /backups

USER portal
EXPOSE 8000

# WEB_CONCURRENCY (read by gunicorn) sets the number of workers; the default is 1. The config
# file logs JSON lines (access lines with the request id) unless LOG_FORMAT=text.
CMD ["gunicorn", "portal.wsgi:application", "--config", "ops/gunicorn.conf.py"]
