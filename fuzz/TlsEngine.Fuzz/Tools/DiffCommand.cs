using TlsEngine.Fuzz.Support;

namespace TlsEngine.Fuzz.Tools;

/// <summary>`diff-x509 DIR...`: the X.509 differential over every file of the folders, one line per disagreement.</summary>
internal static class DiffCommand
{
    public static int Run(IEnumerable<string> dirs)
    {
        int files = 0, agree = 0, refsSplit = 0, disagree = 0;
        foreach (string file in dirs.SelectMany(Directory.GetFiles).Order(StringComparer.Ordinal))
        {
            files++;
            var v = X509Differential.Compare(File.ReadAllBytes(file));
            if (v.BouncyCastle != v.DotNet) refsSplit++;
            else if (v.Disagrees)
            {
                disagree++;
                Console.WriteLine($"{file}\tours={Word(v.Ours)} bc={Word(v.BouncyCastle)} net={Word(v.DotNet)}\t{v.Detail}{v.ReferenceDetail}");
            }
            else agree++;
        }
        Console.Error.WriteLine($"{files} inputs: {agree} agree with both references, {disagree} disagree with both, {refsSplit} where the references split");
        return 0;
    }

    private static string Word(bool accepted) => accepted ? "accept" : "reject";
}
