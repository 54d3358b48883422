from audits.context import bound_context, context_from_request


class AuditContextMiddleware:
    """Give each request an id (from X-Request-ID or new) and remember its client IP for audit events.

    The id is echoed in the X-Request-ID response header so that a user's report can be
    matched to the events the request wrote.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = context_from_request(request)
        with bound_context(context):
            response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", context.request_id)
        return response
