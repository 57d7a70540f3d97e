FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic needs settings that load; these values exist only for this step.
RUN SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --no-input

RUN useradd --create-home app
USER app
EXPOSE 8000
# Threaded workers, timeouts and request limits: config/gunicorn.conf.py.
CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn.conf.py"]
