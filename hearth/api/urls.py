from ninja import NinjaAPI

api = NinjaAPI(title="Hearth API", version="1", urls_namespace="api")
