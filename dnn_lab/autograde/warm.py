"""Work a ``dnn-lab autograde`` worker does once per process instead of once per student (issue 18).

Only what plain ``nbgrader autograde`` would redo for every student with the same result:

- :func:`validate_schema_once`: nbgrader's ``CheckCellMetadata`` validates each cell's ``nbgrader`` metadata with
  ``jsonschema.validate(metadata, schema)``, which first checks the *schema itself* against the JSON-Schema
  meta-schema, for every cell of every notebook (two passes per student): about nine tenths of that
  preprocessor's CPU. Here the schema is checked once (and again whenever it differs), then each cell's metadata
  is validated as before: the same errors (``best_match``), raised the same way.
"""
import json
import threading


class _SchemaOnce:
    """Stands in for the ``jsonschema`` module inside ``nbgrader.nbgraderformat.common`` (which only calls
    ``jsonschema.validate``)."""

    def __init__(self, module):
        self._module = module
        self._validators = {}
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self._module, name)

    def validate(self, instance, schema, cls=None, *args, **kwargs):
        if cls is not None or args or kwargs:
            return self._module.validate(instance, schema, cls, *args, **kwargs)
        key = json.dumps(schema, sort_keys=True)
        with self._lock:
            validator = self._validators.get(key)
            if validator is None:
                from jsonschema.validators import validator_for
                found = validator_for(schema)
                found.check_schema(schema)  # raises SchemaError, as jsonschema.validate does
                validator = self._validators[key] = found(json.loads(key))
        error = self._module.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error


def validate_schema_once():
    """Install :class:`_SchemaOnce` into nbgrader's metadata validation (idempotent)."""
    from nbgrader.nbgraderformat import common
    if not isinstance(common.jsonschema, _SchemaOnce):
        common.jsonschema = _SchemaOnce(common.jsonschema)
    return common.jsonschema
