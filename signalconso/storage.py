"""S3 storage whose download links are signed for the address browsers reach.

The web and worker processes may reach the storage at an internal address
(docker-compose.yml: http://minio:9000) that no browser can resolve. A signed
link names its host inside the signature, so it cannot be rewritten
afterwards: it is signed from the start for AWS_S3_PUBLIC_ENDPOINT_URL. The
signature is computed locally, nothing is sent to that address.
"""

import threading

from storages.backends.s3 import S3Storage
from storages.utils import clean_name, setting


class SignedLinkS3Storage(S3Storage):
    def __init__(self, **settings):
        super().__init__(**settings)
        self._public_connections = threading.local()

    def get_default_settings(self):
        return {**super().get_default_settings(), "public_endpoint_url": setting("AWS_S3_PUBLIC_ENDPOINT_URL")}

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_public_connections", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        self._public_connections = threading.local()

    @property
    def public_connection(self):
        connection = getattr(self._public_connections, "connection", None)
        if connection is None:
            connection = self._create_session().resource(
                "s3",
                region_name=self.region_name,
                use_ssl=self.use_ssl,
                endpoint_url=self.public_endpoint_url,
                config=self.client_config,
                verify=self.verify,
            )
            self._public_connections.connection = connection
        return connection

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not self.public_endpoint_url or self.custom_domain or not self.querystring_auth:
            return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
        params = {**(parameters or {}), "Bucket": self.bucket_name, "Key": self._normalize_name(clean_name(name))}
        return self.public_connection.meta.client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )
