# Passerelle: one image for every app service of docker-compose.yml (migrate, web, ws, worker).
#
#   docker build -t passerelle .                     # static collected for HTTPS=true (production)
#   docker build --build-arg HTTPS=false -t passerelle .
#
# Build with the HTTPS value you run with: HTTPS=true switches the static storage to WhiteNoise's
# CompressedManifestStaticFilesStorage (hashed names + staticfiles.json), which needs the files to
# have been collected with that storage. docker-compose.yml passes the same HTTPS to both.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    PASSERELLE_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

RUN groupadd --system --gid 10001 passerelle \
    && useradd --system --uid 10001 --gid passerelle --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin passerelle

WORKDIR /app

# Dependencies first, so that code changes do not reinstall them.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# The code stays owned by root (read-only for the app user); only var/ and private/ are writable.
COPY . .
RUN mkdir -p /app/var /app/private && chown passerelle:passerelle /app/var /app/private

# collectstatic imports the settings, which need a SECRET_KEY: a throwaway one, for this RUN only
# (it is not an ENV, so it is not in the image's environment). No database is touched.
ARG HTTPS=true
RUN SECRET_KEY=collectstatic-only-not-a-real-key HTTPS="${HTTPS}" DEBUG=false \
    python manage.py collectstatic --noinput

USER passerelle

# 8000: gunicorn (web), 8001: Daphne (ws)
EXPOSE 8000 8001

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--limit-request-line", "0", "--access-logfile", "-"]
