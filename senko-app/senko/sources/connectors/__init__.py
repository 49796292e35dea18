"""The connectors, one small class per kind of board, all behind ``base.Connector``."""
from ..base import Connector, ConnectorError, Item, Page
from .html_console import HtmlConsoleConnector
from .imap import ImapConnector
from .json_api import JsonApiConnector

KINDS: dict[str, type[Connector]] = {cls.kind: cls for cls in (JsonApiConnector, HtmlConsoleConnector, ImapConnector)}

__all__ = ["KINDS", "Connector", "ConnectorError", "Item", "Page"]
