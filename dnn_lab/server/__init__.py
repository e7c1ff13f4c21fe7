"""The ``dnn_lab`` Jupyter server extension: the page at ``/dnn-lab`` and its JSON API.

Kept light on purpose: student kernels ``import dnn_lab``, and this package is
imported when Jupyter lists extensions.  jupyter_server and tornado are only
imported when the server actually loads the extension.

Enabled by ``jupyter-config/jupyter_server_config.d/dnn_lab.json`` (installed by
the wheel into ``etc/jupyter/jupyter_server_config.d``) or on the command line
with ``--ServerApp.jpserver_extensions="{'dnn_lab': True}"``.
"""

URL_PREFIX = "dnn-lab"


def _jupyter_server_extension_points():
    return [{"module": "dnn_lab.server"}]


def _load_jupyter_server_extension(serverapp):
    from .handlers import setup_handlers
    setup_handlers(serverapp)
    serverapp.log.info("dnn_lab: page at %s%s", serverapp.base_url, URL_PREFIX)


# jupyter_server < 2 and the classic notebook server look for this name
load_jupyter_server_extension = _load_jupyter_server_extension
