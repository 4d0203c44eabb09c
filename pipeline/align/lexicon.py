"""Small hand-written EN/FR lexicons: both sides map a word to one concept id, which the aligners
use as an anchor (``L:<concept>``) next to numbers, names and shared stems.

- the *narrative* lexicon (function words, discourse markers, number words and a few hundred of
  the commonest words of narrative prose) serves the sentence aligner (``sentence_costs``);
- the *documentation* lexicon adds the words of technical articles, docs and blog posts whose
  translations share no stem (``file``/``fichier``, ``delete``/``supprimer``,
  ``follow``/``suivre``, ``step``/``étape``): the block aligner (``features``) uses it, so two
  short list items without names or numbers (``You won't see other people boosting the user``)
  still find their translations.

Written by hand for this project; inflected forms are listed where the stem rule (lowercase, a
plural ``s``/``x`` removed on words longer than four letters) does not reach them.
"""
from __future__ import annotations

# EN word(s) -> FR word(s) of one concept. Written by hand for this module.
NARRATIVE_PAIRS = """
but|mais ; and|et ; or|ou ; if|si ; because|parce,car ; then|alors,puis,ensuite ; when|quand,lorsque
why|pourquoi ; how|comment ; where|où ; who|qui ; what|quoi,que ; which|lequel,laquelle
yes|oui ; no|non,aucun,aucune ; not|pas,point,ne ; never|jamais ; always|toujours ; nothing|rien
nobody|personne ; everybody,everyone|tout ; all|tous,toutes,tout ; each,every|chaque,chacun
again|encore,nouveau ; still|encore,toujours ; already|déjà ; yet|pourtant,cependant,encore
now|maintenant ; today|aujourd'hui ; tomorrow|demain ; yesterday|hier ; soon|bientôt ; suddenly|soudain,tout à coup
here|ici,voici ; there|là,voilà ; very|très ; too|trop,aussi ; also|aussi ; only|seul,seulement,que
more|plus ; less|moins ; much,many|beaucoup ; little|peu,petit,petite ; well|bien ; badly|mal
perhaps,maybe|peut-être ; indeed|vraiment,effet ; without|sans ; with|avec ; against|contre
before|avant,devant ; after|après ; during|pendant ; since|depuis ; until,till|jusqu'à,jusque
between|entre ; under|sous ; above|au-dessus ; behind|derrière ; near|près ; far|loin
oh|oh ; ah|ah ; alas|hélas ; well|eh
i|je,moi ; me|moi,me ; my|mon,ma,mes ; you|vous,tu,toi,te ; your|votre,vos,ton,ta,tes
he|il,lui ; she|elle ; his|son,sa,ses ; her|elle,son,sa,ses ; we|nous ; our|notre,nos ; they|ils,elles,eux
one|un,une ; two|deux ; three|trois ; four|quatre ; five|cinq ; six|six ; seven|sept ; eight|huit
nine|neuf ; ten|dix ; eleven|onze ; twelve|douze ; fifteen|quinze ; twenty|vingt ; thirty|trente
forty|quarante ; fifty|cinquante ; hundred|cent,cents ; thousand|mille ; first|premier,première
second|second,seconde,deuxième ; third|troisième ; half|moitié,demi,demie ; last|dernier,dernière
man,men|homme,hommes ; woman,women|femme,femmes ; wife|femme ; husband|mari ; child,children|enfant,enfants
father|père ; mother|mère ; son|fils ; daughter|fille ; girl|fille ; boy|garçon ; brother|frère ; sister|sœur
friend|ami,amie,amis ; old|vieux,vieille,vieil,vieillard ; young|jeune ; people|gens,monde
day,days|jour,jours,journée ; night,nights|nuit,nuits ; morning|matin ; evening|soir ; hour,hours|heure,heures
week|semaine ; month|mois ; year,years|an,ans,année,années ; time|temps,fois ; moment|moment ; minute|minute
sun|soleil ; moon|lune ; sky|ciel ; earth|terre ; sea|mer ; water|eau ; fire|feu ; wind|vent ; snow|neige
rain|pluie ; tree,trees|arbre,arbres ; forest|forêt ; road|route,chemin ; house|maison ; room|chambre,salle
door|porte ; window|fenêtre ; bed|lit ; table|table ; wall|mur ; church|église ; village|village ; town|ville
head|tête ; eye|œil ; eyes|yeux ; face|visage,figure ; hand,hands|main,mains ; heart|cœur ; blood|sang
mouth|bouche ; lips|lèvres ; hair|cheveux ; arm,arms|bras ; foot,feet|pied,pieds ; leg|jambe ; body|corps
voice|voix ; word,words|mot,mots,parole ; life|vie ; death|mort ; dead|mort,morte,morts ; love|amour,aimer
god|dieu ; soul|âme ; king|roi ; queen|reine ; gun|fusil ; bird,birds|oiseau,oiseaux ; dog|chien ; cat|chat
kiss|baiser ; light|lumière ; dark,darkness|sombre,noir,obscurité,ténèbres ; black|noir,noire ; white|blanc,blanche
red|rouge ; blue|bleu ; green|vert ; great|grand,grande ; big|gros,grand ; small|petit,petite ; long|long,longue
good|bon,bonne ; bad|mauvais ; beautiful|beau,belle ; new|nouveau,nouvelle ; same|même ; other|autre
true|vrai ; false|faux ; cold|froid ; hot|chaud ; poor|pauvre ; happy|heureux ; sad|triste ; mad|fou,folle
see,saw,seen|voir,vit,vu,vis,voyait ; say,said|dire,dit,disait ; know,knew|savoir,sais,savait,connaître
think,thought|penser,pensait,croire,crois ; come,came|venir,vint,venu ; go,went|aller,alla,allait
take,took|prendre,prit ; give,gave|donner,donna ; make,made|faire,fit,fait ; want,wanted|vouloir,voulait
ask,asked|demander,demanda ; answer,answered,replied|répondre,répondit ; hear,heard|entendre,entendit
look,looked|regarder,regarda ; speak,spoke|parler,parla ; kill,killed|tuer,tua ; die,died|mourir,mourut
laugh,laughed|rire,rit ; cry,cried|pleurer,crier ; sleep|dormir,sommeil ; eat,ate|manger,mangea
walk,walked|marcher ; open,opened|ouvrir,ouvrit,ouvert ; close,closed|fermer,ferma,fermé ; fall,fell|tomber,tomba
""".strip()

# Words of technical articles and blog posts (docs, tutorials, release notes); one concept per
# entry, single words only (a multi-word French phrase would map its function words too).
DOCUMENTATION_PAIRS = """
file,files|fichier,fichiers ; folder,directory|dossier,répertoire ; link,links|lien,liens ; button|bouton
click|cliquer,cliquez ; write,written,wrote|écrire,écrit,écrivez,rédiger ; read|lire,lisez ; reading|lecture
reader|lecteur,liseuse ; save,saved|sauvegarder,enregistrer,sauvegardé,enregistré ; search|recherche,rechercher
find,found|trouver,trouvez,trouvé,retrouver ; show,shows,shown|afficher,affiche,montrer,montre,affiché
hide,hiding|masquer,cacher,masquez ; mute,muting,muted|masquer,masquez,masquée ; block,blocking,blocked|bloquer,blocage,bloquée
follow,follows|suivre,suivez ; follower,followers|abonné,abonnés,abonnée ; unfollow|désabonner
share,sharing|partager,partage ; boost,boosting,boosts|partager,partage ; post,posts|publication,publications,message,messages
user,users|utilisateur,utilisateurs,utilisatrice ; account,accounts|compte,comptes ; settings|paramètres,réglages
set|définir,définissez ; run,runs,running|exécuter,exécutez,lancer,lancez,exécution ; use,uses,used|utiliser,utilisez,utilisé,utilise
need,needs|besoin ; must|doit,doivent,devez ; can|peut,peuvent,pouvez ; should|devrait,devriez
build,builds,built|générer,génération,compiler,compilation,construire ; create,created|créer,créez,créé,création
delete,deleted|supprimer,supprimez,supprimé ; remove,removes,removed|retirer,supprimer,enlever,retire
add,adds,added|ajouter,ajoutez,ajoute,ajouté ; update,updates,updated|actualiser,mise ; change,changes,changed|modifier,changer,modifié,changement
edit,edits,edited|modifier,éditer,modifiez ; get,gets|obtenir,récupérer,obtenez ; return,returns,returned|retourner,retourne,renvoie,renvoyer
call,calls,called|appeler,appel,appelle ; pass,passes|passer,passe ; store,stores,stored|stocker,stocke,stocké
key,keys|clé,clés,clef,clefs ; value,values|valeur,valeurs ; array,slice|tableau,tableaux ; string,strings|chaîne,chaînes
example,examples|exemple,exemples ; step,steps|étape,étapes ; output|sortie ; input|entrée ; command,commands|commande,commandes
free|gratuit,gratuite,libre ; software|logiciel,logiciels ; tool,tools|outil,outils ; team,teams|équipe,équipes
learn|apprendre ; help,helps|aider,aide ; answer|réponse ; like|comme ; different|différent,différente
whole|entier,entière ; easy,easily|facile,facilement ; fast|rapide ; slow|lent,lente ; safe|sûr
better|meilleur,mieux ; best|meilleur,meilleure ; next|suivant,prochain,prochaine ; previous|précédent,précédente
below|dessous ; following|suivant,suivante,suivants,suivantes ; language,languages|langue,langues
translation,translations|traduction,traductions ; translate,translated|traduire,traduit ; translator|traducteur,traductrice
content|contenu,contenus ; website,websites|site,sites ; template,templates|gabarit,gabarits,modèle,modèles
node,nodes|nœud,nœuds,noeud ; container,containers|conteneur,conteneurs ; request,requests|demande,demandes,requête
limit,limits|limite,limites ; memory|mémoire ; warning|avertissement ; tip|astuce,conseil ; error,errors|erreur,erreurs
issue,issues|problème,problèmes ; feature,features|fonctionnalité,fonctionnalités ; data|données ; database|données
price,prices|prix ; cost,costs|coût,coûts ; yearly|annuel ; person|personne ; world|monde ; government|gouvernement
privacy|confidentialité ; home|accueil ; feed|fil ; level,levels|niveau,niveaux ; download|télécharger,téléchargez
install,installed|installer,installez,installé ; check|vérifier,vérifiez ; start,starts|démarrer,démarre,commencer
stop|arrêter,arrêtez ; wait|attendre ; send|envoyer,envoyez ; receive|recevoir ; keep|garder,conserver
allow,allows|permettre,permet ; choose|choisir,choisissez ; try|essayer,essayez ; page,pages|page,pages
way|façon,manière ; thing,things|chose,choses ; part|partie ; point|point ; case|cas ; kind,type|type,genre
question,questions|question,questions ; article,articles|article,articles ; section|section ; heading|titre
title|titre ; name,names|nom,noms ; order|ordre ; size|taille ; number|nombre,numéro ; line,lines|ligne,lignes
word,words|mot,mots ; text|texte ; image,images|image,images ; picture|photo,image ; video|vidéo
pros,advantage,advantages,benefit,benefits|avantage,avantages ; cons,drawback,drawbacks,disadvantage|inconvénient,inconvénients
lose,lost|perdre,perdu,perdue ; disk,drive|disque ; everything|tout ; fire|incendie,feu ; computer|ordinateur
note|remarque ; summary|résumé ; overview|aperçu ; introduction|introduction ; conclusion|conclusion
""".strip()


def stem(word: str) -> str:
    """A crude stem for lexicon look-ups: lowercased (accents kept: ``là`` is not ``la``), plural
    ``s``/``x`` removed on longer words."""
    w = word.lower().replace("’", "'")
    if len(w) > 4 and w[-1] in "sx":
        w = w[:-1]
    return w


def build_lexicon(pairs: str) -> tuple[dict[str, str], dict[str, str]]:
    """``EN|FR ; ...`` entries -> (EN stem -> concept, FR stem -> concept)."""
    en: dict[str, str] = {}
    fr: dict[str, str] = {}
    for k, entry in enumerate(x.strip() for x in pairs.replace("\n", ";").split(";")):
        if not entry:
            continue
        left, right = entry.split("|")
        concept = str(k)
        for w in left.split(","):
            en.setdefault(stem(w.strip()), concept)
        for w in right.split(","):
            for part in w.strip().split():
                fr.setdefault(stem(part), concept)
    return en, fr


LEXICON_EN, LEXICON_FR = build_lexicon(NARRATIVE_PAIRS)
DOC_LEXICON = dict(zip(("en", "fr"), build_lexicon(NARRATIVE_PAIRS + "\n" + DOCUMENTATION_PAIRS)))
