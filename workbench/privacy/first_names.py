"""First names common in the Netherlands and Flanders, in lower case.

Why: a file name is written in lower case far more often than a transcript ("interview-
marieke.txt"), and there the capitals the detector reads names by are missing. A part of a
document's name that is one of these names is offered for review (see
:func:`workbench.privacy.detect.file_name_names`). The list is short on purpose: a name
missing here is still found once it is decided or found in a transcript.
"""

FIRST_NAMES = frozenset(
    """
    aad aafke aagje abdel abdelkader abdul abdullah adam adrie adriaan ahmed aisha albert
    alex alexander ali alie alma amber amina anita anja anke ann anna anne annemarie annie
    anouk ans antoon arie arjen arnold astrid ayse barbara bart bas bea beatrix ben bep
    bernard bert bettie bram brenda carla carolien cees chantal charlotte chris christa
    cindy cor cora corrie daan david debora dennis diana dick dirk dora dries elif elise
    elly els emma ester eva evert fatima fatma femke floor frank frans freek frits gerard
    gerda gerrit gert gijs greet greetje hanna hannie hans harm harrie hassan hendrik
    hendrika henk henny herman hilde hugo ilse ineke inge ingrid irene iris jaap jacob
    jacqueline jan janneke jannie jans jasper jeroen jesse joke joop joost jos josé joyce
    judith julia justin kadir karel karin kees kim klaas koen kris laura lars leen lenie
    lies lieke linda lisa lotte lucas maaike maarten marco marian marianne marieke marijke
    marja mark marleen marloes martin martine mehmet mieke mien miep mohamed mohammed
    monique mustafa nadia nel nicole niels noor ömer pieter piet rachid rens ria rianne
    rik rinus rob robert roel ronald roos rudi ruud sandra sander sanne sara sem sietske
    sjaak sofie stefan stijn suzanne teun thijs thomas tiny tom truus twan vera wendy
    wilma wim wout yasmina yonas youssef yvonne zeynep
    """.split()
)
