public enum TokenFactoryPlaceholder {}
internal import AsyncHTTPClient
