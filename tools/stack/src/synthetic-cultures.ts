import type { SyntheticRandom } from './synthetic-random.js';

/** A name as written, and the ASCII form used where Cognito data is usually ASCII (e-mail local parts, usernames). */
export interface SyntheticName {
  readonly native: string;
  readonly ascii: string;
}

export interface SyntheticCulture {
  readonly locales: readonly string[];
  readonly givenNames: readonly SyntheticName[];
  readonly familyNames: readonly SyntheticName[];
  /** East Asian and Vietnamese names put the family name first. */
  readonly familyFirst: boolean;
  /** Chinese, Japanese and Korean full names are written without a space. */
  readonly separator: '' | ' ';
  /** Relative share of users. */
  readonly weight: number;
}

/** Letters NFD does not decompose into a base letter plus marks. */
const unDecomposable: Readonly<Record<string, string>> = { ł: 'l', ß: 'ss', ø: 'o', đ: 'd', ı: 'i', æ: 'ae' };

function asciiOf(latin: string): string {
  return latin
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[łßøđıæ]/g, (c) => unDecomposable[c] ?? '')
    .replace(/[^a-z]/g, '');
}

/**
 * Names separated by spaces; a name outside the Latin script carries its romanisation after `|`.
 * A fixed table rather than a faker library: generation stays ~1 µs per user, and the fixtures do
 * not change when a library's locale data does.
 */
function names(list: string): SyntheticName[] {
  return list.split(' ').map((entry) => {
    const [native = entry, romanised] = entry.split('|');
    return { native, ascii: romanised ?? asciiOf(native) };
  });
}

function culture(
  weight: number,
  locales: string,
  givenNames: string,
  familyNames: string,
  order: 'given-family' | 'family-given' = 'given-family',
  separator: '' | ' ' = ' ',
): SyntheticCulture {
  return {
    locales: locales.split(' '),
    givenNames: names(givenNames),
    familyNames: names(familyNames),
    familyFirst: order === 'family-given',
    separator,
    weight,
  };
}

export const syntheticCultures: readonly SyntheticCulture[] = [
  culture(
    34,
    'en-US en-GB en-AU en-CA',
    'James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Sarah Thomas Emily Daniel Olivia Liam Noah Ava',
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Wilson Anderson Taylor Moore Jackson Martin Lee Thompson White Harris Clark O'Brien",
  ),
  culture(
    8,
    'fr-FR fr-CA fr-BE',
    'Zoë Chloé Hélène Océane Léa Amélie Élodie Maëlle François Jérôme Théo Noël Raphaël Loïc André Benoît Gaëlle Cécile Clément Anaïs',
    'Lefèvre Bérubé Gérard Côté Dubois Moreau Laurent Girard Rousseau Fontaine Bélanger Pelletier Mercier Lemaître Dupré Ménard Chevalier Deschênes Faure Lévesque',
  ),
  culture(
    6,
    'de-DE de-AT de-CH',
    'Jürgen Jörg Günther Björn Käthe Lena Jonas Lukas Sophie Maximilian Mia Anna Felix Leonie Ursula Dieter Ömer Hannah Paul Lotte',
    'Müller Schröder Groß Weiß Köhler Schäfer Bäcker Fischer Wagner Becker Hoffmann Schulz Krüger Möller Böhm Jäger Weber Meyer Fuß Löw',
  ),
  culture(
    7,
    'es-ES es-MX es-AR',
    'José María Jesús Ángel Sofía Lucía Martín Valentina Mateo Camila Andrés Inés Iñaki Begoña Raúl Núria Álvaro Ximena Tomás Paola',
    'García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Muñoz Núñez Peña Ibáñez Gómez Díaz Álvarez Jiménez Suárez Castaño Ortíz',
  ),
  culture(
    4,
    'pt-BR pt-PT',
    'João Conceição Gonçalo Luís Thaís Ana Beatriz Caio Letícia Vinícius Antônio Sebastião Fernanda Júlia Lourenço',
    'Gonçalves Araújo Magalhães Simões Guimarães Brandão Falcão Assunção Lopes Carvalho Ribeiro Sousa Pereira Fonseca',
  ),
  culture(
    3,
    'pl-PL cs-CZ',
    'Łukasz Małgorzata Wojciech Zofia Paweł Agnieszka Grzegorz Katarzyna Jiří Tereza Michał Žaneta',
    'Nowak Kowalski Wiśniewski Wójcik Kamiński Dvořák Novák Černý Procházka Krejčí Łukaszewicz Zieliński',
  ),
  culture(
    2,
    'vi-VN',
    'Anh Bảo Châu Dũng Hương Lan Minh Ngọc Phương Quang Thảo Tuấn Việt Hải',
    'Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô',
    'family-given',
  ),
  culture(
    2,
    'tr-TR',
    'Ayşe Çağrı Gökhan İbrahim Şule Öykü Ümit Barış Elif Emre Zeynep Doğan',
    'Yılmaz Kaya Demir Şahin Çelik Yıldız Öztürk Aydın Özdemir Arslan Kılıç Koç',
  ),
  culture(
    4,
    'ja-JP',
    '美咲|misaki 陽翔|haruto 結衣|yui 蓮|ren さくら|sakura 大翔|hiroto 葵|aoi 悠真|yuma 陽菜|hina 湊|minato 翔太|shota 愛|ai',
    '佐藤|sato 鈴木|suzuki 高橋|takahashi 田中|tanaka 伊藤|ito 渡辺|watanabe 山本|yamamoto 中村|nakamura 小林|kobayashi 加藤|kato 吉田|yoshida 山田|yamada',
    'family-given',
    '',
  ),
  culture(
    4,
    'zh-CN zh-TW',
    '伟|wei 芳|fang 娜|na 秀英|xiuying 敏|min 静|jing 丽|li 强|qiang 磊|lei 洋|yang 艳|yan 勇|yong 子涵|zihan 浩宇|haoyu',
    '王|wang 李|li 张|zhang 刘|liu 陈|chen 杨|yang 黄|huang 赵|zhao 吴|wu 周|zhou 徐|xu 孙|sun 欧阳|ouyang',
    'family-given',
    '',
  ),
  culture(
    3,
    'ko-KR',
    '민준|minjun 서연|seoyeon 지우|jiwoo 서준|seojun 하은|haeun 도윤|doyun 지민|jimin 수빈|subin 예준|yejun 민서|minseo',
    '김|kim 이|lee 박|park 최|choi 정|jung 강|kang 조|cho 윤|yoon 장|jang 임|lim',
    'family-given',
    '',
  ),
  culture(
    6,
    'ar-EG ar-SA ar-AE ar-MA',
    'محمد|mohamed أحمد|ahmed فاطمة|fatima علي|ali مريم|maryam يوسف|youssef عائشة|aisha خالد|khaled نور|nour عمر|omar ليلى|layla حسن|hassan سارة|sara',
    'العلي|alali الحسن|alhassan منصور|mansour حداد|haddad خوري|khoury الشمري|alshammari السيد|elsayed إبراهيم|ibrahim عبدالله|abdullah القحطاني|alqahtani',
  ),
  culture(
    4,
    'ru-RU uk-UA',
    'Александр|aleksandr Мария|maria Дмитрий|dmitry Анна|anna Сергей|sergey Екатерина|ekaterina Олена|olena Андрій|andriy Наталья|natalya Юлия|yulia Иван|ivan Ольга|olga',
    'Иванов|ivanov Смирнова|smirnova Кузнецов|kuznetsov Попова|popova Соколов|sokolov Шевченко|shevchenko Бондаренко|bondarenko Коваленко|kovalenko Волкова|volkova Морозов|morozov',
  ),
  culture(
    2,
    'el-GR',
    'Γιώργος|giorgos Μαρία|maria Δημήτρης|dimitris Ελένη|eleni Νίκος|nikos Κατερίνα|katerina Σοφία|sofia Κώστας|kostas',
    'Παπαδόπουλος|papadopoulos Οικονόμου|oikonomou Γεωργίου|georgiou Νικολάου|nikolaou Παπαδάκη|papadaki Βασιλείου|vasileiou',
  ),
  culture(
    2,
    'he-IL',
    'נועה|noa אורי|uri תמר|tamar דוד|david יעל|yael איתי|itai מיכל|michal יונתן|yonatan',
    'כהן|cohen לוי|levi מזרחי|mizrahi פרץ|peretz ביטון|biton אברהם|avraham',
  ),
  culture(
    3,
    'hi-IN en-IN',
    'आरव|aarav अनन्या|ananya विवान|vivaan दिया|diya अर्जुन|arjun प्रिया|priya रोहन|rohan ईशा|isha',
    'शर्मा|sharma वर्मा|verma गुप्ता|gupta सिंह|singh पटेल|patel कुमार|kumar जोशी|joshi',
  ),
  culture(
    1,
    'th-TH',
    'สมชาย|somchai สุดา|suda อนันต์|anan มาลี|malee ประเสริฐ|prasert นภา|napha',
    'ศรีสุข|srisuk วงศ์ใหญ่|wongyai แก้วมณี|kaewmanee บุญมา|boonma',
  ),
];

const cumulativeWeights = syntheticCultures.reduce<number[]>((sums, c) => [...sums, (sums.at(-1) ?? 0) + c.weight], []);
const totalWeight = cumulativeWeights.at(-1) ?? 0;

/** A culture drawn by weight. */
export function drawCulture(random: SyntheticRandom): SyntheticCulture {
  const r = random.next() * totalWeight;
  const index = cumulativeWeights.findIndex((sum) => r < sum);
  return syntheticCultures[index] as SyntheticCulture;
}
