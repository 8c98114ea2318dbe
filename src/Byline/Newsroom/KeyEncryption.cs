using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace Byline.Newsroom;

/// <summary>
/// Encrypts the data-protection key ring at rest (<c>Byline:DataProtection</c>): with a PFX certificate
/// configured, every new key is written to the database encrypted to it, and keys encrypted to it (or to
/// an older certificate listed for rotation) are decrypted with it. Without one, keys are stored as
/// plain XML in the database (protect the database and its backups).
/// </summary>
public sealed class KeyEncryptionOptions
{
    public const string Section = "Byline:DataProtection";

    /// <summary>A PFX file with the private key (a mounted secret, a systemd credential).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX's password; or <see cref="CertificatePasswordFile"/>.</summary>
    public string? CertificatePassword { get; set; }

    public string? CertificatePasswordFile { get; set; }

#pragma warning disable CA1819 // bound from configuration
    /// <summary>Earlier certificates, kept only to decrypt the keys written while they were current.</summary>
    public string[] PreviousCertificatePaths { get; set; } = [];
#pragma warning restore CA1819

    internal X509Certificate2 Load(string path) =>
        X509CertificateLoader.LoadPkcs12FromFile(path, Password(), X509KeyStorageFlags.EphemeralKeySet);

    private string? Password() =>
        !string.IsNullOrWhiteSpace(CertificatePasswordFile) ? File.ReadAllText(CertificatePasswordFile).TrimEnd('\r', '\n') : CertificatePassword;
}

internal sealed class KeyEncryptionSetup(IConfiguration config, ILoggerFactory logs) : IConfigureOptions<KeyManagementOptions>, IConfigureOptions<XmlKeyDecryptionOptions>
{
    private readonly KeyEncryptionOptions _options = config.GetSection(KeyEncryptionOptions.Section).Get<KeyEncryptionOptions>() ?? new();

    public void Configure(KeyManagementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(_options.CertificatePath))
        {
            options.XmlEncryptor = new CertificateXmlEncryptor(_options.Load(_options.CertificatePath), logs);
        }
    }

    public void Configure(XmlKeyDecryptionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var path in _options.PreviousCertificatePaths.Prepend(_options.CertificatePath).Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            options.AddKeyDecryptionCertificate(_options.Load(path!));
        }
    }
}
