using System.Numerics;
using System.Text;

namespace Byline.Wire;

/// <summary>
/// 64-bit SimHash (Charikar) over word 3-shingles: each shingle's FNV-1a hash votes +1/−1 on every bit, the sign
/// of the sum is the bit. Texts that share most shingles land a few bits apart; unrelated texts about 32.
/// </summary>
public static class SimHash
{
    public const int Bands = 8;
    private const int ShingleWords = 3;

    /// <summary>The hash of a text; 0 for a text with no words (such items join no cluster).</summary>
    public static long Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = Words(text);
        if (words.Count == 0)
        {
            return 0;
        }
        Span<int> votes = stackalloc int[64];
        var size = Math.Min(ShingleWords, words.Count);
        for (var i = 0; i + size <= words.Count; i++)
        {
            var h = Fnv(words, i, size);
            for (var bit = 0; bit < 64; bit++)
            {
                votes[bit] += ((h >> bit) & 1) == 1 ? 1 : -1;
            }
        }
        ulong result = 0;
        for (var bit = 0; bit < 64; bit++)
        {
            if (votes[bit] > 0)
            {
                result |= 1UL << bit;
            }
        }
        return unchecked((long)result);
    }

    public static int Distance(long a, long b) => BitOperations.PopCount(unchecked((ulong)(a ^ b)));

    /// <summary>The eight band keys (<c>band * 256 + byte</c>): hashes within distance 7 share at least one.</summary>
    public static int[] Keys(long hash)
    {
        var keys = new int[Bands];
        var u = unchecked((ulong)hash);
        for (var band = 0; band < Bands; band++)
        {
            keys[band] = (band << 8) | (int)((u >> (band * 8)) & 0xFF);
        }
        return keys;
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }
        return words;
    }

    private static ulong Fnv(List<string> words, int start, int count)
    {
        var h = 14695981039346656037UL;
        for (var i = start; i < start + count; i++)
        {
            foreach (var b in Encoding.UTF8.GetBytes(words[i]))
            {
                h = unchecked((h ^ b) * 1099511628211UL);
            }
            h = unchecked((h ^ 0x20) * 1099511628211UL);
        }
        // FNV's low bits mix poorly for short inputs; a final avalanche (SplitMix64) spreads every bit.
        h ^= h >> 30;
        h = unchecked(h * 0xbf58476d1ce4e5b9UL);
        h ^= h >> 27;
        h = unchecked(h * 0x94d049bb133111ebUL);
        h ^= h >> 31;
        return h;
    }
}
