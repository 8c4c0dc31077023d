"""Policy as data: the schema, loader and product scopes of the rule files in ``tariffline/rules``."""
