internal import Foundation
internal import NIOSSL

/// Certificate authorities the client trusts in addition to the system's trust store, as PEM.
///
/// For a control plane whose certificate a private CA signed, or for operators behind a
/// TLS-inspecting corporate proxy that re-signs every connection with its own CA (`--ca-file`).
/// The system roots stay trusted, so a proxy that inspects only some hosts keeps working.
/// Loaded and checked when the client is created, so a bad file fails before any request.
public struct CACertificates: Sendable, Hashable, CustomStringConvertible {
    enum Source: Sendable, Hashable {
        case file(String)
        case pem(String)
    }

    let source: Source

    /// The certificates in a PEM file (one or more `BEGIN CERTIFICATE` blocks).
    public static func file(_ path: String) -> CACertificates { CACertificates(source: .file(path)) }

    /// The certificates in PEM text already in memory (e.g. a simulator's own certificate).
    public static func pem(_ text: String) -> CACertificates { CACertificates(source: .pem(text)) }

    /// The file path, or `PEM text` for in-memory certificates: what errors name.
    public var description: String {
        switch source {
        case .file(let path): path
        case .pem: "PEM text"
        }
    }

    /// The parsed certificates; a configuration error names the file and what is wrong with it.
    func load() throws(TokenFactoryError) -> [NIOSSLCertificate] {
        let bytes: [UInt8]
        switch source {
        case .file(let path):
            do {
                bytes = try BoundedFile.read(path, limit: BoundedFile.certificateLimit)
            } catch {
                throw TokenFactoryError(kind: .configuration, message: "cannot read the CA file \(path): \(error) (check the path and its permissions)", cause: error)
            }
        case .pem(let text):
            bytes = Array(text.utf8)
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(bytes)
        } catch {
            throw TokenFactoryError(
                kind: .configuration, message: "\(self) holds no usable PEM certificate (expected one or more -----BEGIN CERTIFICATE----- blocks)",
                cause: error)
        }
        guard !certificates.isEmpty else {
            throw TokenFactoryError(kind: .configuration, message: "\(self) holds no PEM certificate (expected one or more -----BEGIN CERTIFICATE----- blocks)")
        }
        return certificates
    }
}
