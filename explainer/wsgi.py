import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explainer.settings")


def without_head_bodies(app):
    """Send no body in answer to HEAD. Django renders the page as for GET and leaves
    dropping the body to the server; gunicorn does, but logs a warning for every HEAD
    request (health checks and link checkers send many). The headers, Content-Length
    included, stay those of the GET answer."""

    def application(environ, start_response):
        result = app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return result
        # Closing finishes the request as serving the body would have (request_finished).
        close = getattr(result, "close", None)
        if close is not None:
            close()
        return []

    return application


application = without_head_bodies(get_wsgi_application())
