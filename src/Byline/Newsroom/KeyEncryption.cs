using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

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

/// <summary>Applies <see cref="KeyEncryptionOptions"/> to the data-protection builder at registration.</summary>
internal static class KeyEncryption
{
    public static void Apply(IDataProtectionBuilder protection, IConfiguration config)
    {
        var options = config.GetSection(KeyEncryptionOptions.Section).Get<KeyEncryptionOptions>() ?? new();
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            return;
        }
        var current = options.Load(options.CertificatePath);
        protection.ProtectKeysWithCertificate(current);
        protection.UnprotectKeysWithAnyCertificate([current, .. options.PreviousCertificatePaths.Where(p => !string.IsNullOrWhiteSpace(p)).Select(options.Load)]);
    }
}
