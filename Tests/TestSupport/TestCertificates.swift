// Not in the AddressSanitizer build (Package.swift: TFSCRIPT_SANITIZED_SUITES_ONLY), which
// leaves out the certificate packages; the plain build runs these.
#if !TFSCRIPT_WITHOUT_TLS_FIXTURES
public import Foundation
internal import Crypto
internal import SwiftASN1
public import TokenFactorySimulator
internal import X509

/// A private certificate authority and a server certificate it signed for `127.0.0.1`,
/// `::1` and `localhost`, made at test time (nothing checked in, nothing to expire in the
/// repository): what the HTTPS tests serve and trust.
public struct TestCertificates: Sendable {
    /// The CA's certificate: what a client passes to `--ca-file`.
    public let caPEM: String
    /// The server's certificate (signed by the CA).
    public let serverCertificatePEM: String
    /// The server certificate's private key (PKCS #8).
    public let serverKeyPEM: String

    /// A fresh CA and server certificate (P-256), valid from an hour ago for a day.
    public static func make() throws -> TestCertificates {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("tfscript test CA") }
        let caPublicKey = Certificate.PublicKey(caKey.publicKey)
        let caKeyIdentifier = SubjectKeyIdentifier(hash: caPublicKey)
        let ca = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: caPublicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                caKeyIdentifier
            },
            issuerPrivateKey: .init(caKey))

        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400),
            issuer: caName, subject: try DistinguishedName { CommonName("127.0.0.1") }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"),
                    .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                    .ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))),
                ])
                AuthorityKeyIdentifier(keyIdentifier: caKeyIdentifier.keyIdentifier)
            },
            issuerPrivateKey: .init(caKey))

        return TestCertificates(
            caPEM: try ca.serializeAsPEM().pemString,
            serverCertificatePEM: try server.serializeAsPEM().pemString,
            serverKeyPEM: serverKey.pemRepresentation)
    }

    /// The simulator's TLS settings with this server certificate; `chainEndsWithCA` serves the
    /// CA's certificate after it (what an in-process simulator's client then trusts).
    public func simulatorTLS(offersHTTP2: Bool = true, chainEndsWithCA: Bool = false) -> TokenFactorySimulator.TLS {
        TokenFactorySimulator.TLS(
            certificateChainPEM: serverCertificatePEM + (chainEndsWithCA ? "\n" + caPEM : ""), privateKeyPEM: serverKeyPEM, offersHTTP2: offersHTTP2)
    }

    /// Writes `ca.pem`, `server.pem` and `server-key.pem` to a fresh temporary folder.
    public func writeFiles() throws -> (ca: URL, certificate: URL, key: URL) {
        let ca = try TFScriptProcess.writeTemporaryFile(named: "ca.pem", contents: caPEM)
        let folder = ca.deletingLastPathComponent()
        let certificate = folder.appendingPathComponent("server.pem")
        let key = folder.appendingPathComponent("server-key.pem")
        try Data(serverCertificatePEM.utf8).write(to: certificate)
        try Data(serverKeyPEM.utf8).write(to: key)
        return (ca, certificate, key)
    }
}
#endif
