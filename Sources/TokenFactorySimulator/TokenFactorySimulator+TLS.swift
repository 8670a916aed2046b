internal import Foundation
internal import Hummingbird
internal import HummingbirdCore
internal import HummingbirdHTTP2
internal import HummingbirdTLS
internal import NIOSSL
internal import TokenFactory

extension TokenFactorySimulator {
    /// How a simulator serves HTTPS: its certificate, its key, and which HTTP versions it offers.
    ///
    /// The real API is HTTPS, where every new connection pays a TLS handshake and HTTP/2 lets
    /// concurrent requests share one connection. Serving TLS makes that measurable and testable
    /// on loopback (`tfscript simulator --tls-cert --tls-key`). The certificate must name the
    /// address clients dial (`127.0.0.1` as an IP subject alternative name); clients trust its
    /// issuer through `TokenFactoryClient.Configuration.trustedCAs` (`--ca-file`).
    public struct TLS: Sendable {
        /// The certificate chain, leaf first, as PEM.
        public var certificateChainPEM: String
        /// The leaf certificate's private key, as PEM.
        public var privateKeyPEM: String
        /// True (the default) offers HTTP/2 by ALPN (`h2`, falling back to `http/1.1`); false
        /// offers HTTP/1.1 only, so the two can be compared.
        public var offersHTTP2: Bool

        public init(certificateChainPEM: String, privateKeyPEM: String, offersHTTP2: Bool = true) {
            self.certificateChainPEM = certificateChainPEM
            self.privateKeyPEM = privateKeyPEM
            self.offersHTTP2 = offersHTTP2
        }

        /// Reads the certificate chain and key from PEM files and checks them (PEM, and a key
        /// that belongs to the certificate), so a bad file fails before anything is bound.
        ///
        /// - Throws: ``StartError`` naming the file that cannot be read, or what is wrong.
        public static func files(certificateChain: String, privateKey: String, offersHTTP2: Bool = true) throws -> TLS {
            func read(_ path: String, _ what: String) throws -> String {
                do {
                    return String(decoding: try BoundedFile.read(path, limit: BoundedFile.certificateLimit), as: UTF8.self)
                } catch {
                    throw StartError(description: "cannot read the \(what) file \(path): \(error) (check the path and its permissions)")
                }
            }
            let tls = TLS(
                certificateChainPEM: try read(certificateChain, "TLS certificate"), privateKeyPEM: try read(privateKey, "TLS key"),
                offersHTTP2: offersHTTP2)
            do {
                _ = try tls.serverBuilder()
            } catch let error as StartError {
                throw StartError(description: "\(error.description) (certificate \(certificateChain), key \(privateKey))")
            }
            return tls
        }

        /// The server's channel set-up: TLS with ALPN `h2`/`http/1.1`, or TLS with `http/1.1`.
        func serverBuilder() throws -> HTTPServerBuilder {
            let chain: [NIOSSLCertificate]
            do {
                chain = try NIOSSLCertificate.fromPEMBytes(Array(certificateChainPEM.utf8))
            } catch {
                throw StartError(description: "the TLS certificate is not a PEM certificate chain (\(error))")
            }
            guard !chain.isEmpty else { throw StartError(description: "the TLS certificate file holds no PEM certificate") }
            let key: NIOSSLPrivateKey
            do {
                key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
            } catch {
                throw StartError(description: "the TLS key is not a PEM private key (\(error))")
            }
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            if !offersHTTP2 { configuration.applicationProtocols = ["http/1.1"] }
            do {
                // Hummingbird builds its TLS context only once the server runs; build one now
                // so a key that does not match the certificate fails here, saying so.
                _ = try NIOSSLContext(configuration: configuration)
                return offersHTTP2 ? try .http2Upgrade(tlsConfiguration: configuration) : try .tls(.http1(), tlsConfiguration: configuration)
            } catch {
                throw StartError(description: "cannot set up TLS with this certificate and key (\(error)); check that the key belongs to the certificate")
            }
        }
    }
}
