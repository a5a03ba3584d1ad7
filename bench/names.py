"""Name material for the seed: people, places and organizations in several scripts.

An entry is ``"Latin|Local"`` (a romanized form and the name in its own script) or just
``"Latin"`` when the culture writes in Latin letters (accents included)."""

from dataclasses import dataclass, field

import pycountry


@dataclass(frozen=True)
class Culture:
    """How people and places of a group of countries are named."""

    languages: tuple[str, ...]
    given: tuple[str, ...]
    family: tuple[str, ...]
    # Place names: one part is drawn from each list and the parts are joined without spaces.
    place: tuple[tuple[str, ...], ...]
    family_first: bool = False  # romanized order, e.g. "Kim Min-jun"
    local_family_first: bool = True  # order of the local-script name
    local_separator: str = ""  # between family and given name in the local script
    # Given names ending in "*" are women's; their family name takes this ending.
    feminine: tuple[str, str] | None = None
    countries: dict[str, float] = field(default_factory=dict)


# fmt: off
CULTURES: dict[str, Culture] = {
    "zh_tw": Culture(
        languages=("zh", "en"),
        given=("Chia-hao|家豪", "Yi-ting|怡婷", "Chih-ming|志明", "Shu-fen|淑芬", "Wei-lun|偉倫",
               "Ya-ting|雅婷", "Chun-hung|俊宏", "Mei-ling|美玲", "Kuan-yu|冠宇", "Hsin-yi|心怡"),
        family=("Chen|陳", "Lin|林", "Huang|黃", "Chang|張", "Lee|李", "Wang|王", "Wu|吳",
                "Liu|劉", "Tsai|蔡", "Yang|楊", "Hsu|許", "Cheng|鄭"),
        place=(("Tai|臺", "Hsin|新", "Chung|中", "Kao|高", "Chia|嘉", "Yi|宜", "Hua|花", "Pin|屏",
                "Tou|頭", "Lu|鹿"),
               ("chung|中", "chu|竹", "lien|蓮", "tung|東", "yi|義", "lan|蘭", "hsiung|雄",
                "nan|南", "kang|港", "shan|山")),
        family_first=True,
        countries={"TW": 4},
    ),
    "zh": Culture(
        languages=("zh", "en"),
        given=("Wei|伟", "Fang|芳", "Min|敏", "Jing|静", "Lei|磊", "Yang|洋", "Xiuying|秀英",
               "Jun|军", "Qiang|强", "Na|娜", "Hao|浩", "Yu|宇"),
        family=("Wang|王", "Li|李", "Zhang|张", "Liu|刘", "Chen|陈", "Yang|杨", "Zhao|赵",
                "Huang|黄", "Zhou|周", "Xu|徐", "Sun|孙", "Ma|马"),
        place=(("Ning|宁", "An|安", "Dong|东", "Xi|西", "Nan|南", "Bei|北", "Chang|长", "Qing|青",
                "Tai|泰", "Guang|广", "Hua|华", "Jin|金"),
               ("zhou|州", "yang|阳", "shan|山", "jiang|江", "hai|海", "ning|宁", "ping|平",
                "kou|口", "men|门", "de|德")),
        family_first=True,
        countries={"CN": 10, "SG": 1, "HK": 0.6, "MO": 0.3},
    ),
    "ja": Culture(
        languages=("ja", "en"),
        given=("Hiroshi|博", "Yuki|由紀", "Takeshi|武", "Haruka|遥", "Kenji|健二", "Aiko|愛子",
               "Daisuke|大輔", "Naoko|直子", "Shota|翔太", "Emi|恵美"),
        family=("Sato|佐藤", "Suzuki|鈴木", "Takahashi|高橋", "Tanaka|田中", "Watanabe|渡辺",
                "Ito|伊藤", "Yamamoto|山本", "Nakamura|中村", "Kobayashi|小林", "Kato|加藤",
                "Yoshida|吉田", "Matsumoto|松本"),
        place=(("Naga|長", "Yama|山", "Kawa|川", "Taka|高", "Fuku|福", "Hiro|広", "Kita|北",
                "Minami|南", "Oka|岡", "Miya|宮", "Matsu|松", "Ishi|石"),
               ("saki|崎", "shima|島", "mura|村", "hara|原", "yama|山", "kawa|川", "ta|田",
                "zawa|沢", "oka|岡", "no|野")),
        local_separator=" ",
        countries={"JP": 9},
    ),
    "ko": Culture(
        languages=("ko", "en"),
        given=("Min-jun|민준", "Seo-yeon|서연", "Ji-hoon|지훈", "Ha-eun|하은", "Do-hyun|도현",
               "Ji-woo|지우", "Hyun-woo|현우", "Soo-ah|수아", "Eun-ji|은지", "Sung-min|성민"),
        family=("Kim|김", "Lee|이", "Park|박", "Choi|최", "Jung|정", "Kang|강", "Cho|조",
                "Yoon|윤", "Jang|장", "Lim|임"),
        place=(("Gang|강", "Nam|남", "Dong|동", "Seo|서", "Cheong|청", "Gwang|광", "Jeon|전",
                "Yang|양", "Pyeong|평", "Won|원"),
               ("ju|주", "won|원", "san|산", "cheon|천", "do|도", "yang|양", "gu|구",
                "pyeong|평")),
        family_first=True,
        countries={"KR": 6},
    ),
    "vi": Culture(
        languages=("vi", "en"),
        given=("Văn An", "Thị Hoa", "Minh Tuấn", "Thu Hà", "Quốc Bảo", "Ngọc Lan", "Đức Anh",
               "Thị Mai"),
        family=("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"),
        place=(("Phú ", "Tân ", "Bình ", "Long ", "Thanh ", "Quảng "),
               ("Hòa", "An", "Lộc", "Mỹ", "Đức", "Xuân", "Yên", "Thịnh")),
        family_first=True,
        countries={"VN": 3},
    ),
    "th": Culture(
        languages=("th", "en"),
        given=("Somchai|สมชาย", "Suda|สุดา", "Anan|อนันต์", "Malee|มาลี", "Prasert|ประเสริฐ",
               "Nok|นก"),
        family=("Saetang|แซ่ตั้ง", "Srisuk|ศรีสุข", "Wongsawat|วงศ์สวัสดิ์", "Chaiyaporn|ชัยพร",
                "Rattanakosin|รัตนโกสินทร์"),
        place=(("Ban |บ้าน", "Mueang |เมือง", "Nakhon |นคร"),
               ("Chai|ชัย", "Thong|ทอง", "Si|ศรี", "Sawan|สวรรค์", "Phanom|พนม", "Pathom|ปฐม")),
        local_family_first=False,
        local_separator=" ",
        countries={"TH": 2},
    ),
    "id": Culture(
        languages=("id", "ms", "en"),
        given=("Budi", "Siti", "Agus", "Dewi", "Ahmad", "Nurul", "Rizky", "Putri"),
        family=("Santoso", "Wijaya", "Hidayat", "Rahman", "Saputra", "Ibrahim"),
        place=(("Kota ", "Tanjung ", "Sungai ", "Bandar ", "Pulau "),
               ("Baru", "Jaya", "Raya", "Indah", "Sari", "Pinang")),
        countries={"ID": 3, "MY": 2},
    ),
    "hi": Culture(
        languages=("hi", "en"),
        given=("Priya|प्रिया", "Rahul|राहुल", "Anjali|अंजलि", "Vikram|विक्रम", "Sunita|सुनीता",
               "Arjun|अर्जुन"),
        family=("Sharma|शर्मा", "Patel|पटेल", "Gupta|गुप्ता", "Singh|सिंह", "Iyer|अय्यर"),
        place=(("Ram|राम", "Shiv|शिव", "Chandra|चंद्र", "Surya|सूर्य", "Hari|हरि", "Indra|इंद्र"),
               ("pur|पुर", "nagar|नगर", "abad|आबाद", "garh|गढ़", "ganj|गंज")),
        local_family_first=False,
        local_separator=" ",
        countries={"IN": 5},
    ),
    "ru": Culture(
        languages=("ru", "en"),
        given=("Ivan|Иван", "Olga|Ольга*", "Dmitry|Дмитрий", "Anna|Анна*", "Sergei|Сергей",
               "Elena|Елена*", "Alexei|Алексей", "Natalia|Наталья*"),
        family=("Petrov|Петров", "Ivanov|Иванов", "Smirnov|Смирнов", "Sokolov|Соколов",
                "Volkov|Волков", "Kuznetsov|Кузнецов", "Fyodorov|Фёдоров"),
        place=(("Novo|Ново", "Krasno|Красно", "Belo|Бело", "Staro|Старо", "Sosno|Сосно",
                "Ozyorno|Озёрно"),
               ("gorsk|горск", "dar|дар", "zersk|зерск", "polye|полье", "sibirsk|сибирск",
                "volzhsk|волжск", "grad|град")),
        local_family_first=False,
        local_separator=" ",
        feminine=("a", "а"),
        countries={"RU": 4, "BY": 1, "KZ": 1},
    ),
    "uk": Culture(
        languages=("uk", "en"),
        given=("Oleksandr|Олександр", "Olena|Олена", "Andriy|Андрій", "Iryna|Ірина",
               "Mykola|Микола", "Oksana|Оксана"),
        family=("Shevchenko|Шевченко", "Kovalenko|Коваленко", "Bondarenko|Бондаренко",
                "Tkachenko|Ткаченко", "Melnyk|Мельник"),
        place=(("Novo|Ново", "Bilo|Біло", "Staro|Старо", "Zoloto|Золото"),
               ("horod|город", "pil|піль", "hirsk|гірськ", "dar|дар")),
        local_family_first=False,
        local_separator=" ",
        countries={"UA": 2},
    ),
    "el": Culture(
        languages=("el", "en"),
        given=("Georgios|Γεώργιος", "Maria|Μαρία", "Dimitris|Δημήτρης", "Eleni|Ελένη",
               "Nikos|Νίκος", "Sofia|Σοφία"),
        family=("Nikolaou|Νικολάου", "Georgiou|Γεωργίου", "Dimitriou|Δημητρίου",
                "Ioannou|Ιωάννου", "Konstantinou|Κωνσταντίνου"),
        place=(("Nea |Νέα ", "Ano |Άνω ", "Kato |Κάτω ", "Agia |Αγία "),
               ("Marina|Μαρίνα", "Elpida|Ελπίδα", "Kifisia|Κηφισιά", "Thermi|Θέρμη",
                "Ionia|Ιωνία")),
        local_family_first=False,
        local_separator=" ",
        countries={"GR": 2, "CY": 0.5},
    ),
    "ar": Culture(
        languages=("ar", "en", "fr"),
        given=("Ahmed|أحمد", "Fatima|فاطمة", "Omar|عمر", "Layla|ليلى", "Youssef|يوسف",
               "Mariam|مريم", "Khaled|خالد"),
        family=("Al-Hassan|الحسن", "Mansour|منصور", "Haddad|حداد", "El-Sayed|السيد",
                "Khalil|خليل", "Nasser|ناصر"),
        place=(("Al-|ال",),
               ("Qasr|قصر", "Wadi|وادي", "Nur|نور", "Bahr|بحر", "Madina|مدينة", "Jabal|جبل",
                "Rimal|رمال", "Zahra|زهراء")),
        local_family_first=False,
        local_separator=" ",
        countries={"EG": 2, "AE": 1, "SA": 1, "MA": 1, "JO": 0.5, "QA": 0.5, "TN": 0.5},
    ),
    "he": Culture(
        languages=("he", "en"),
        given=("Noa|נועה", "David|דוד", "Yael|יעל", "Avi|אבי", "Tamar|תמר"),
        family=("Cohen|כהן", "Levi|לוי", "Mizrahi|מזרחי", "Peretz|פרץ"),
        place=(("Kiryat |קריית ", "Ramat |רמת ", "Givat |גבעת ", "Neve |נווה "),
               ("Yam|ים", "Gan|גן", "Shalom|שלום", "Oren|אורן", "Tamar|תמר")),
        local_family_first=False,
        local_separator=" ",
        countries={"IL": 1},
    ),
    "tr": Culture(
        languages=("tr", "en"),
        given=("Ayşe", "Mehmet", "Gülşen", "İsmail", "Çağlar", "Şule", "Emre", "Zeynep"),
        family=("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Doğan"),
        place=(("Kır", "Ak", "Kara", "Yeni", "Gül", "Eski", "Çam", "Şahin"),
               ("şehir", "köy", "dere", "pınar", "hisar", "tepe", "ova")),
        countries={"TR": 3},
    ),
    "es": Culture(
        languages=("es", "en"),
        given=("José", "María", "Javier", "Lucía", "Andrés", "Sofía", "Ángel", "Inés", "Raúl",
               "Martín"),
        family=("García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
                "Núñez", "Muñoz", "Jiménez"),
        place=(("San José de ", "Villa ", "Puerto ", "Santa María del ", "Nueva "),
               ("Río", "Álamo", "Peñón", "Cañada", "Olivar", "Monte", "León"),
               ("", " del Sur", " de la Sierra", " de Abajo")),
        countries={"ES": 5, "MX": 4, "AR": 2, "CO": 2, "CL": 1.5, "PE": 1},
    ),
    "pt": Culture(
        languages=("pt", "en"),
        given=("João", "Ana", "Luís", "Beatriz", "Gonçalo", "Letícia", "Antônio", "Conceição"),
        family=("Silva", "Santos", "Oliveira", "Araújo", "Gonçalves", "Magalhães", "Simões"),
        place=(("São ", "Vila ", "Porto ", "Santa "),
               ("João", "Conceição", "Paulo", "Brás", "Tomé", "Ribeirão"),
               ("", " do Sul", " da Serra", " das Flores")),
        countries={"BR": 5, "PT": 2},
    ),
    "fr": Culture(
        languages=("fr", "en"),
        given=("Jérôme", "Hélène", "François", "Amélie", "Stéphane", "Céline", "Benoît",
               "Élodie"),
        family=("Lefèvre", "Dubois", "Moreau", "Girard", "Rousseau", "Bérenger", "Lemaître",
                "Fontaine"),
        place=(("Saint-", "Villeneuve-", "Châteauneuf-", "Le ", "La "),
               ("Étienne", "Hélène", "Mère", "Bois", "Pré", "Forêt"),
               ("", "-sur-Mer", "-lès-Bains", "-en-Vallée")),
        countries={"FR": 6, "BE": 1.5, "SN": 0.5, "CI": 0.5},
    ),
    "de": Culture(
        languages=("de", "en"),
        given=("Jürgen", "Käthe", "Matthias", "Sophie", "Björn", "Lena", "Uwe", "Jörg"),
        family=("Müller", "Schäfer", "Weiß", "Groß", "Köhler", "Schröder", "Becker",
                "Hoffmann"),
        place=(("Müll", "Groß", "Schön", "Neu", "Alt", "Weiß", "Fürsten", "Rosen", "Königs"),
               ("heim", "burg", "dorf", "hausen", "bach", "stadt", "feld", "brück"),
               ("", "", " an der Saale", " im Allgäu")),
        countries={"DE": 6, "AT": 1.5, "CH": 1.5},
    ),
    "it": Culture(
        languages=("it", "en"),
        given=("Giuseppe", "Francesca", "Niccolò", "Chiara", "Lorenzo", "Giulia"),
        family=("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "De Luca"),
        place=(("San ", "Santa ", "Castel ", "Borgo ", "Villa "),
               ("Niccolò", "Giorgio", "Lucia", "Pietro", "Maria"),
               ("", " di Sopra", " al Mare", " Terme")),
        countries={"IT": 5},
    ),
    "pl": Culture(
        languages=("pl", "en"),
        given=("Łukasz", "Małgorzata", "Paweł", "Agnieszka", "Michał", "Katarzyna"),
        family=("Wróbel", "Kowalczyk", "Nowak", "Wiśniewska", "Dąbrowski", "Zielińska"),
        place=(("Nowy ", "Stary ", ""),
               ("Łęczyca", "Wróblin", "Dąbrowa", "Żabno", "Grodzisk", "Kórnik"),
               ("", "-Zdrój", " Wielki")),
        countries={"PL": 3},
    ),
    "cs": Culture(
        languages=("cs", "sk", "en"),
        given=("Jiří", "Petra", "Tomáš", "Markéta", "Lukáš", "Tereza"),
        family=("Novák", "Dvořák", "Černý", "Procházka", "Svoboda"),
        place=(("Nové ", "Staré ", "Horní ", "Dolní "),
               ("Město", "Hradiště", "Ždánice", "Čermná", "Lhota")),
        countries={"CZ": 1.5, "SK": 0.8},
    ),
    "hu": Culture(
        languages=("hu", "en"),
        given=("Zsófia", "László", "Katalin", "Gábor", "Eszter"),
        family=("Nagy", "Kovács", "Tóth", "Szabó", "Horváth"),
        place=(("Szent", "Nagy", "Kis", "Fehér", "Balaton"),
               ("vár", "falu", "háza", "tó", "egyháza")),
        family_first=True,
        countries={"HU": 1},
    ),
    "ro": Culture(
        languages=("ro", "en"),
        given=("Ana", "Ștefan", "Ioana", "Mihai", "Andreea", "Răzvan"),
        family=("Rusu", "Popescu", "Ionescu", "Țurcanu", "Stănescu", "Munteanu"),
        place=(("Târgu ", "Câmpu ", "Valea ", "Baia "),
               ("Mureș", "Jiului", "Dâmboviței", "Sfântu", "Râmnicu")),
        countries={"RO": 1.5, "MD": 0.6},
    ),
    "nordic": Culture(
        languages=("sv", "da", "no", "fi", "en"),
        given=("Søren", "Åsa", "Björn", "Sigríður", "Mikael", "Ingrid", "Þór", "Aino"),
        family=("Østergaard", "Lindqvist", "Jónsdóttir", "Hæggström", "Nieminen", "Sørensen"),
        place=(("Øster", "Vester", "Nord", "Sønder", "Ål", "Björk", "Sjö"),
               ("by", "borg", "sund", "vik", "havn", "holm", "strand")),
        countries={"SE": 1.5, "NO": 1, "DK": 1, "FI": 1, "IS": 0.3},
    ),
    "en": Culture(
        languages=("en",),
        given=("James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda",
               "Thandiwe", "Siobhán", "Chidi", "Amara"),
        family=("Smith", "Johnson", "Williams", "Brown", "Jones", "O'Brien", "Mokoena",
                "MacDonald", "Okafor", "Kamau"),
        place=(("Port ", "Lake ", "East ", "West ", "New ", "Mount ", ""),
               ("Ashford", "Milton", "Bridgeton", "Kingsley", "Riverton", "Oakdale", "Fairview",
                "Chester"),
               ("", "", "ville", " Springs", " Harbour")),
        countries={"US": 10, "GB": 5, "CA": 2, "AU": 2, "NZ": 0.7, "IE": 0.7, "ZA": 1.5,
                   "NG": 1, "KE": 0.7, "PH": 2},
    ),
}

DEFAULT_CULTURE = "en"
OTHER_COUNTRY_WEIGHT = 0.15

# Well-known cities, most important first: (name, alternate names, country, population).
KNOWN_CITIES: list[tuple[str, list[str], str, int]] = [
    ("Taipei", ["臺北", "台北", "Taipei City"], "TW", 2_500_000),
    ("Busan", ["부산", "釜山"], "KR", 3_300_000),
    ("Houston", ["休士頓", "休斯敦"], "US", 2_300_000),
    ("Johannesburg", ["約翰尼斯堡", "Joburg", "eGoli"], "ZA", 5_600_000),
    ("Tokyo", ["東京", "Tōkyō"], "JP", 14_000_000),
    ("Seoul", ["서울", "首爾", "首尔"], "KR", 9_400_000),
    ("New Taipei", ["新北", "新北市"], "TW", 4_000_000),
    ("Kaohsiung", ["高雄"], "TW", 2_700_000),
    ("Taichung", ["臺中", "台中"], "TW", 2_800_000),
    ("Tainan", ["臺南", "台南"], "TW", 1_800_000),
    ("Osaka", ["大阪", "Ōsaka"], "JP", 2_700_000),
    ("Kyoto", ["京都"], "JP", 1_400_000),
    ("Yokohama", ["横浜"], "JP", 3_700_000),
    ("Fukuoka", ["福岡"], "JP", 1_600_000),
    ("Sapporo", ["札幌"], "JP", 1_900_000),
    ("Incheon", ["인천", "仁川"], "KR", 2_900_000),
    ("Daegu", ["대구", "大邱"], "KR", 2_400_000),
    ("Beijing", ["北京", "Peking"], "CN", 21_500_000),
    ("Shanghai", ["上海"], "CN", 24_800_000),
    ("Guangzhou", ["广州", "廣州", "Canton"], "CN", 18_700_000),
    ("Xiamen", ["厦门", "廈門", "Amoy"], "CN", 5_200_000),
    ("Hong Kong", ["香港"], "HK", 7_400_000),
    ("Macau", ["澳門", "Macao"], "MO", 680_000),
    ("Singapore", ["新加坡", "Singapura", "சிங்கப்பூர்"], "SG", 5_900_000),
    ("Bangkok", ["กรุงเทพมหานคร", "Krung Thep"], "TH", 10_500_000),
    ("Hanoi", ["Hà Nội"], "VN", 8_400_000),
    ("Ho Chi Minh City", ["Thành phố Hồ Chí Minh", "Saigon", "Sài Gòn"], "VN", 9_300_000),
    ("Jakarta", [], "ID", 10_600_000),
    ("Kuala Lumpur", [], "MY", 2_000_000),
    ("Manila", ["Maynila"], "PH", 1_800_000),
    ("Mumbai", ["मुंबई", "Bombay"], "IN", 12_400_000),
    ("New Delhi", ["नई दिल्ली"], "IN", 250_000),
    ("Moscow", ["Москва", "Moskva"], "RU", 13_000_000),
    ("Saint Petersburg", ["Санкт-Петербург"], "RU", 5_600_000),
    ("Kyiv", ["Київ", "Kiev"], "UA", 2_900_000),
    ("Athens", ["Αθήνα", "Athina"], "GR", 660_000),
    ("Thessaloniki", ["Θεσσαλονίκη"], "GR", 320_000),
    ("Cairo", ["القاهرة"], "EG", 10_000_000),
    ("Dubai", ["دبي"], "AE", 3_600_000),
    ("Tel Aviv-Yafo", ["תל אביב-יפו"], "IL", 470_000),
    ("Istanbul", ["İstanbul"], "TR", 15_600_000),
    ("Gaziantep", ["Antep", "加濟安泰普"], "TR", 2_100_000),
    ("Chișinău", ["Kishinev", "基希訥烏"], "MD", 640_000),
    ("Tallinn", ["塔林"], "EE", 450_000),
    ("Brussels", ["Bruxelles", "Brussel", "布魯塞爾"], "BE", 1_200_000),
    ("Barcelona", ["巴塞隆納", "巴塞罗那"], "ES", 1_600_000),
    ("Madrid", [], "ES", 3_300_000),
    ("Sevilla", ["Seville"], "ES", 680_000),
    ("Mexico City", ["Ciudad de México", "CDMX"], "MX", 9_200_000),
    ("São Paulo", ["Sao Paulo"], "BR", 11_400_000),
    ("Rio de Janeiro", [], "BR", 6_200_000),
    ("Buenos Aires", [], "AR", 3_100_000),
    ("Bogotá", [], "CO", 7_900_000),
    ("Lisbon", ["Lisboa"], "PT", 550_000),
    ("Paris", [], "FR", 2_100_000),
    ("Lyon", [], "FR", 520_000),
    ("Marseille", [], "FR", 870_000),
    ("Berlin", [], "DE", 3_700_000),
    ("Munich", ["München"], "DE", 1_500_000),
    ("Cologne", ["Köln"], "DE", 1_100_000),
    ("Düsseldorf", [], "DE", 620_000),
    ("Vienna", ["Wien"], "AT", 2_000_000),
    ("Zürich", ["Zurich"], "CH", 420_000),
    ("Geneva", ["Genève", "Genf"], "CH", 200_000),
    ("Rome", ["Roma"], "IT", 2_800_000),
    ("Milan", ["Milano"], "IT", 1_400_000),
    ("Kraków", ["Krakow", "Cracow"], "PL", 800_000),
    ("Łódź", ["Lodz"], "PL", 670_000),
    ("Warsaw", ["Warszawa"], "PL", 1_800_000),
    ("Prague", ["Praha"], "CZ", 1_300_000),
    ("Budapest", [], "HU", 1_700_000),
    ("Stockholm", [], "SE", 980_000),
    ("Copenhagen", ["København"], "DK", 650_000),
    ("Oslo", [], "NO", 710_000),
    ("Helsinki", ["Helsingfors"], "FI", 660_000),
    ("Reykjavík", [], "IS", 140_000),
    ("London", [], "GB", 8_900_000),
    ("Edinburgh", ["Dùn Èideann"], "GB", 530_000),
    ("New York City", ["New York"], "US", 8_300_000),
    ("Los Angeles", [], "US", 3_800_000),
    ("San Francisco", [], "US", 810_000),
    ("Chicago", [], "US", 2_700_000),
    ("Toronto", [], "CA", 2_800_000),
    ("Montréal", ["Montreal"], "CA", 1_800_000),
    ("Sydney", [], "AU", 5_300_000),
    ("Melbourne", [], "AU", 5_100_000),
    ("Auckland", ["Tāmaki Makaurau"], "NZ", 1_700_000),
    ("Cape Town", ["Kaapstad", "iKapa"], "ZA", 4_700_000),
    ("Nairobi", [], "KE", 4_400_000),
    ("Lagos", [], "NG", 15_400_000),
    ("Dakar", [], "SN", 1_200_000),
    ("Casablanca", ["الدار البيضاء"], "MA", 3_300_000),
    ("Amman", ["عمّان"], "JO", 4_000_000),
    ("Doha", ["الدوحة"], "QA", 1_200_000),
    ("Riyadh", ["الرياض"], "SA", 7_000_000),
    ("Dublin", ["Baile Átha Cliath"], "IE", 590_000),
]

# Real city networks and international bodies a city's international desk deals with.
KNOWN_ORGANIZATIONS: list[tuple[str, str | None, str]] = [
    ("Metropolis – World Association of the Major Metropolises", "Metropolis", "city_network"),
    ("United Cities and Local Governments", "UCLG", "city_network"),
    ("ICLEI – Local Governments for Sustainability", "ICLEI", "city_network"),
    ("C40 Cities Climate Leadership Group", "C40", "city_network"),
    ("Eurocities", None, "city_network"),
    ("CityNet", None, "city_network"),
    ("Asian Network of Major Cities 21", "ANMC21", "city_network"),
    ("Mayors for Peace", None, "city_network"),
    ("Sister Cities International", "SCI", "city_network"),
    ("Council of European Municipalities and Regions", "CEMR", "city_network"),
    ("Union of Ibero-American Capital Cities", "UCCI", "city_network"),
    ("World Cities Summit Mayors Forum", "WCSMF", "city_network"),
    ("United Nations Human Settlements Programme", "UN-Habitat", "international_organization"),
    ("World Health Organization", "WHO", "international_organization"),
    ("Organisation for Economic Co-operation and Development", "OECD",
     "international_organization"),
    ("Asian Development Bank", "ADB", "international_organization"),
    ("United Nations Educational, Scientific and Cultural Organization", "UNESCO",
     "international_organization"),
    ("Asia-Pacific Economic Cooperation", "APEC", "international_organization"),
]

TOPICS = (
    "smart-city cooperation", "climate resilience", "youth exchange", "tourism promotion",
    "trade mission", "cultural festival", "public health", "urban mobility", "water management",
    "disaster preparedness", "education partnership", "sister-city anniversary",
    "sports diplomacy", "digital government", "circular economy", "air quality",
)
TAGS = (
    "delegation", "mayor-office", "smart-city", "culture", "education", "tourism", "trade",
    "climate", "health", "sports", "youth", "media", "protocol", "follow-up",
)
POSITIONS = (
    "Director-General, International Relations", "Deputy Mayor", "Protocol Officer",
    "International Cooperation Officer", "Head of External Relations", "Senior Advisor",
    "Program Manager", "Secretary-General", "Consul-General", "Project Officer",
    "Chief of Staff to the Mayor", "Professor of Urban Planning",
)
DEPARTMENTS = (
    "Department of International Affairs", "Mayor's Office", "Office of Protocol",
    "Economic Development Bureau", "Department of Culture", "Tourism Bureau",
    "Environmental Protection Department", "Transportation Department", None,
)
HONORIFICS = ("Mr.", "Ms.", "Dr.", "Prof.", "H.E.", None)
SOURCES = (
    "business card", "Metropolis course 2024", "referral", "conference", "official visit",
    "website", None,
)
CONFERENCES = (
    "Metropolis Annual Meeting", "UCLG World Congress", "Smart City Expo World Congress",
    "ICLEI World Congress", "C40 Mayors Summit", "World Cities Summit", "Asia-Pacific Cities "
    "Summit", "Eurocities Annual Conference",
)
INDUSTRIES = ("Logistics", "Energy", "Software", "Engineering", "Trading", "Design",
              "Biotech", "Media")
COMPANY_FORMS = ("Co., Ltd.", "GmbH", "S.A.", "Inc.", "Ltd.", "K.K.", "S.p.A.", "AB")
# fmt: on


def split(entry: str) -> tuple[str, str | None]:
    """``"Chen|陳"`` → ``("Chen", "陳")``; ``"Müller"`` → ``("Müller", None)``."""
    latin, _, local = entry.partition("|")
    return latin, (local or None)


def country_weights() -> tuple[list[str], list[float], dict[str, str]]:
    """Every pycountry country that has subdivisions, its weight, and its culture."""
    culture_of: dict[str, str] = {}
    weight_of: dict[str, float] = {}
    for key, culture in CULTURES.items():
        for code, weight in culture.countries.items():
            culture_of[code] = key
            weight_of[code] = weight
    codes, weights = [], []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        code = country.alpha_2
        if code not in weight_of and not pycountry.subdivisions.get(country_code=code):
            continue
        codes.append(code)
        weights.append(weight_of.get(code, OTHER_COUNTRY_WEIGHT))
        culture_of.setdefault(code, DEFAULT_CULTURE)
    return codes, weights, culture_of


def regions(country_code: str) -> list[str]:
    """Top-level subdivision names of a country (its provinces, states, regions)."""
    subdivisions = pycountry.subdivisions.get(country_code=country_code) or []
    names = sorted(s.name for s in subdivisions if s.parent_code is None)
    return names or sorted(s.name for s in subdivisions)
